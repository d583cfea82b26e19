package client

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/web"
)

// TestEditMaintenance checks that EditMaintenance sends only what is set,
// keeps "none" apart from "not given", and reads the answer back.
func TestEditMaintenance(t *testing.T) {
	f, c := startRecords(t)
	ctx := context.Background()
	start, end := now.Add(24*time.Hour), now.Add(27*time.Hour)
	empty := ""
	comps := []string{"courses-oslo", "video"}
	for _, tt := range []struct {
		name string
		in   sitrep.MaintenanceUpdateInput
		want sitrep.MaintenanceUpdateInput
	}{
		{"text and components", sitrep.MaintenanceUpdateInput{Title: "T2", Description: &empty, Components: &comps},
			sitrep.MaintenanceUpdateInput{Title: "T2", Description: &empty, Components: &comps, Author: web.AdminTokenName}},
		{"reschedule with a message", sitrep.MaintenanceUpdateInput{Start: start, End: end, Message: "Moved a day."},
			sitrep.MaintenanceUpdateInput{Start: start, End: end, Message: "Moved a day.", Author: web.AdminTokenName}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.EditMaintenance(ctx, "mnt-1", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, f.mnt) {
				t.Errorf("answer\n%+v\nwant\n%+v", *got, f.mnt)
			}
			if in := f.last(); !reflect.DeepEqual(in, tt.want) {
				t.Errorf("service was asked\n%+v\nwant\n%+v", in, tt.want)
			}
		})
	}
	t.Run("no components is refused by name", func(t *testing.T) {
		var none []string
		_, err := c.EditMaintenance(ctx, "mnt-1", sitrep.MaintenanceUpdateInput{Components: &none})
		var e *sitrep.Error
		if !errors.As(err, &e) || e.Code != sitrep.EINVALID || e.Field != "components" {
			t.Errorf("err = %#v, want invalid components", err)
		}
	})
	t.Run("nothing to change", func(t *testing.T) {
		_, err := c.EditMaintenance(ctx, "mnt-1", sitrep.MaintenanceUpdateInput{})
		if sitrep.ErrorCode(err) != sitrep.EINVALID {
			t.Errorf("err = %v, want invalid", err)
		}
	})
}
