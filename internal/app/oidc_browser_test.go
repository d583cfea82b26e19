package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"sitrep"
	"sitrep/internal/oidc/testidp"
)

// TestOIDCInBrowser: a person clicks the SSO button on /login, approves at
// the provider and lands on the admin dashboard, signed in.
func TestOIDCInBrowser(t *testing.T) {
	ctx := browserTab(t)
	problems := watchConsole(ctx)
	idp := testidp.Start(t, "sitrep", "client-s3cret")
	idp.RequireApproval(true)
	idp.SetClaims(map[string]any{"email": "alice@example.com", "email_verified": true})
	a, base := oidcApp(t, idp, "")
	if _, err := a.accounts.CreateUser(t.Context(), ssoAdmin, sitrep.UserInput{
		Email: "alice@example.com", Name: "Alice", Role: sitrep.RoleResponder, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#sso"),
		chromedp.Click("#sso"),
		chromedp.WaitVisible("#approve"),
		chromedp.Click("#approve"),
		chromedp.WaitVisible("main h1"),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.pathname === "/admin/" && document.body.innerText.includes("Sign out")`)); err != nil {
		t.Fatalf("never signed in: %v", err)
	}
	url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if url != "/admin/" || !strings.Contains(text, "alice@example.com") {
		t.Fatalf("after approving: at %s, the page says:\n%s", url, text)
	}
	problems.report(t)
}
