package storetest

import (
	"crypto/sha256"
	"reflect"
	"testing"
	"time"

	"sitrep"
)

func subscribersOf(t *testing.T, s sitrep.Store) sitrep.SubscriberStore {
	t.Helper()
	ss, ok := s.(sitrep.SubscriberStore)
	if !ok {
		t.Skip("store does not keep subscribers")
	}
	return ss
}

func hashOf(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func newSubscriber(page, addr string, confirmed bool, comps ...string) *sitrep.Subscriber {
	sub := &sitrep.Subscriber{
		Page: page, Kind: sitrep.SubscriberEmail, Address: addr, Components: comps,
		Confirmed: confirmed, CreatedAt: base, ManageHash: hashOf("manage " + page + addr),
	}
	if confirmed {
		sub.ConfirmedAt = base.Add(time.Minute)
	} else {
		sub.ConfirmHash = hashOf("confirm " + page + addr)
		sub.ConfirmRequestedAt = base
		sub.ConfirmExpires = base.Add(sitrep.ConfirmTTL)
	}
	return sub
}

func testSubscriberRoundTrip(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	ss := subscribersOf(t, s)
	sub := newSubscriber("main", "ünï+"+nasty+"@example.com", false, "courses", "video")
	sub.Events = []sitrep.Event{{Kind: sitrep.EventSubscriberConfirm, At: base, OrderKey: "subscriber:x"}}
	if err := ss.CreateSubscriber(ctx, sub); err != nil {
		t.Fatalf("create: %v", err)
	}
	if !idRE.MatchString(sub.ID) || sub.Events != nil {
		t.Fatalf("after create: id %q, events %v", sub.ID, sub.Events)
	}
	if ob, ok := s.(sitrep.OutboxStore); ok {
		evs, err := ob.PendingEvents(ctx, 10)
		if err != nil || len(evs) != 1 || evs[0].Kind != sitrep.EventSubscriberConfirm {
			t.Fatalf("confirmation event not written with the subscriber: %v %v", evs, err)
		}
	}
	got, err := ss.Subscriber(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sub) {
		t.Fatalf("read back\n got %+v\nwant %+v", got, sub)
	}
	if got, err := ss.SubscriberByAddress(ctx, "main", sitrep.SubscriberEmail, sub.Address); err != nil || got.ID != sub.ID {
		t.Fatalf("by address: %v %v", got, err)
	}
	if got, err := ss.SubscriberByManageToken(ctx, sub.ManageHash); err != nil || got.ID != sub.ID {
		t.Fatalf("by manage token: %v %v", got, err)
	}
	for name, fn := range map[string]func() error{
		"unknown id":     func() error { _, err := ss.Subscriber(ctx, "nope"); return err },
		"unknown token":  func() error { _, err := ss.SubscriberByManageToken(ctx, hashOf("nope")); return err },
		"empty token":    func() error { _, err := ss.SubscriberByManageToken(ctx, nil); return err },
		"unknown delete": func() error { return ss.DeleteSubscriber(ctx, "nope") },
	} {
		if code := sitrep.ErrorCode(fn()); code != sitrep.ENOTFOUND {
			t.Errorf("%s: code %q, want not_found", name, code)
		}
	}
	dup := newSubscriber("main", sub.Address, true)
	dup.ManageHash = hashOf("other")
	if err := ss.CreateSubscriber(ctx, dup); sitrep.ErrorCode(err) != sitrep.ECONFLICT {
		t.Fatalf("duplicate address: %v, want conflict", err)
	}
	other := newSubscriber("other", sub.Address, true)
	if err := ss.CreateSubscriber(ctx, other); err != nil {
		t.Fatalf("same address on another page: %v", err)
	}
}

func testSubscriberConfirm(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	ss := subscribersOf(t, s)
	sub := newSubscriber("main", "a@example.com", false)
	if err := ss.CreateSubscriber(ctx, sub); err != nil {
		t.Fatal(err)
	}
	late := newSubscriber("main", "late@example.com", false)
	if err := ss.CreateSubscriber(ctx, late); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		hash []byte
		now  time.Time
	}{
		{"wrong token", hashOf("wrong"), base},
		{"no token", nil, base},
		{"expired", late.ConfirmHash, base.Add(sitrep.ConfirmTTL)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ss.ConfirmSubscriber(ctx, c.hash, c.now); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
				t.Fatalf("got %v, want not_found", err)
			}
		})
	}
	now := base.Add(sitrep.ConfirmTTL - time.Millisecond)
	got, err := ss.ConfirmSubscriber(ctx, sub.ConfirmHash, now)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Confirmed || !got.ConfirmedAt.Equal(now) || got.ConfirmHash != nil {
		t.Fatalf("confirmed: %+v", got)
	}
	if _, err := ss.ConfirmSubscriber(ctx, sub.ConfirmHash, now); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("second confirmation: %v, want not_found", err)
	}
	n, err := ss.DeleteExpiredPending(ctx, base.Add(sitrep.ConfirmTTL))
	if err != nil || n != 1 {
		t.Fatalf("delete expired: %d %v, want 1", n, err)
	}
	if _, err := ss.Subscriber(ctx, late.ID); sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		t.Fatalf("expired sign-up still there: %v", err)
	}
	if _, err := ss.Subscriber(ctx, sub.ID); err != nil {
		t.Fatalf("confirmed subscriber gone: %v", err)
	}
}

func testSubscribersFor(t *testing.T, s sitrep.Store) {
	ctx := ctxOf(t)
	ss := subscribersOf(t, s)
	mk := func(page, addr string, confirmed bool, comps ...string) string {
		sub := newSubscriber(page, addr, confirmed, comps...)
		if err := ss.CreateSubscriber(ctx, sub); err != nil {
			t.Fatal(err)
		}
		return sub.ID
	}
	whole := mk("main", "whole@x", true)
	courses := mk("main", "courses@x", true, "courses")
	video := mk("main", "video@x", true, "video", "exams")
	mk("main", "pending@x", false)
	mk("other", "elsewhere@x", true)
	for _, c := range []struct {
		name  string
		comps []string
		want  []string
	}{
		{"courses", []string{"courses"}, []string{whole, courses}},
		{"exams and courses", []string{"exams", "courses"}, []string{whole, courses, video}},
		{"nothing", nil, []string{whole}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := collect(t, ss, sitrep.SubscriberQuery{Page: "main", Components: c.comps, Limit: 1})
			if !sameSet(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
	// Changing the choice changes who is found.
	if _, err := ss.UpdateSubscriber(ctx, video, func(sub *sitrep.Subscriber) error {
		sub.Components = []string{"courses"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, ss, sitrep.SubscriberQuery{Page: "main", Components: []string{"exams"}, Limit: 10}); !sameSet(got, []string{whole}) {
		t.Fatalf("after update: %v", got)
	}
	if err := ss.DeleteSubscriber(ctx, whole); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, ss, sitrep.SubscriberQuery{Page: "main", Components: []string{"courses"}, Limit: 10}); !sameSet(got, []string{courses, video}) {
		t.Fatalf("after delete: %v", got)
	}
	yes := true
	list, total, err := ss.FindSubscribers(ctx, sitrep.SubscriberFilter{Page: "main", Search: "O@X", Confirmed: &yes})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != video {
		t.Fatalf("find: %v %d %v", list, total, err)
	}
	if _, total, err := ss.FindSubscribers(ctx, sitrep.SubscriberFilter{Search: "%"}); err != nil || total != 0 {
		t.Fatalf("search for %%: %d %v, want 0 (a literal match)", total, err)
	}
}

func collect(t *testing.T, ss sitrep.SubscriberStore, q sitrep.SubscriberQuery) []string {
	t.Helper()
	var ids []string
	for i := 0; i < 100; i++ {
		batch, err := ss.SubscribersFor(ctxOf(t), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range batch {
			if !b.Confirmed || b.Page != q.Page {
				t.Fatalf("batch has %+v", b)
			}
			ids = append(ids, b.ID)
		}
		if len(batch) < q.Limit {
			return ids
		}
		q.After = batch[len(batch)-1].ID
	}
	t.Fatalf("paging did not end: %v", ids)
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}
