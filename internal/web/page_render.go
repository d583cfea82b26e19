package web

import (
	"fmt"

	"sitrep"
)

type incidentPage struct {
	pageLayout
	Incident incidentView
}

type maintenancePage struct {
	pageLayout
	Maintenance maintenanceView
}

func (s *Server) renderMainPage(pr pageReq) (string, []byte, error) {
	return s.renderTemplate("page.html", s.newMainView(pr))
}

func (s *Server) renderIncidentPage(pr pageReq, inc *sitrep.PublicIncident) (string, []byte, error) {
	return s.renderTemplate("page_incident.html", incidentPage{
		pageLayout: s.newLayout(pr, inc.Title),
		Incident:   newIncidentView(pr, inc, true),
	})
}

func (s *Server) renderMaintenancePage(pr pageReq, m *sitrep.PublicMaintenance) (string, []byte, error) {
	return s.renderTemplate("page_maintenance.html", maintenancePage{
		pageLayout:  s.newLayout(pr, m.Title),
		Maintenance: newMaintenanceView(pr, m, true),
	})
}

func (s *Server) renderTemplate(name string, data any) (string, []byte, error) {
	var bw appendWriter
	if err := s.pages.ExecuteTemplate(&bw, name, data); err != nil {
		return "", nil, fmt.Errorf("render %s: %w", name, err)
	}
	return contentTypeHTML, bw, nil
}
