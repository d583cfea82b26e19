package oidc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"

	"sitrep"
)

// identity reads the claims sitrep uses from a verified ID token.
func identity(t *gooidc.IDToken, groupsClaim string) (*sitrep.ExternalIdentity, error) {
	var all map[string]json.RawMessage
	if err := t.Claims(&all); err != nil {
		return nil, refused("The identity provider's answer could not be read.", fmt.Errorf("ID token claims: %w", err))
	}
	var email, name, username string
	str(all, "email", &email)
	str(all, "name", &name)
	str(all, "preferred_username", &username)
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, refused("The identity provider did not say which email address you have; an administrator should allow the email scope for sitrep's client.",
			errors.New("ID token without email"))
	}
	// Accounts are matched by email, so an address the provider has not
	// checked could take over someone's account. An absent claim is taken
	// as verified: some providers (Azure AD) only issue verified addresses
	// and do not say so.
	if verified, ok := boolClaim(all["email_verified"]); ok && !verified {
		return nil, refused("Your email address is not verified at the identity provider; verify it there and sign in again.",
			fmt.Errorf("email_verified false for %s", email))
	}
	if name == "" {
		name = username
	}
	groups, err := groupsOf(all, groupsClaim)
	if err != nil {
		return nil, refused("The identity provider sent groups sitrep cannot read.", err)
	}
	return &sitrep.ExternalIdentity{Provider: "oidc", Issuer: t.Issuer, Subject: t.Subject, Email: email, Name: name, Groups: groups}, nil
}

func str(all map[string]json.RawMessage, key string, dst *string) {
	if raw, ok := all[key]; ok {
		_ = json.Unmarshal(raw, dst) // a claim of another type counts as absent
	}
}

// boolClaim reads true/false, also written as a string as some providers
// (AWS Cognito) do.
func boolClaim(raw json.RawMessage) (value, ok bool) {
	if raw == nil {
		return false, false
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch strings.ToLower(s) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	// Anything else is not a clear "verified".
	return false, true
}

// groupsOf finds the groups claim: a key as written first (claim names
// may contain dots, like https://example.com/groups), then a dotted path
// into nested objects (Keycloak's realm_access.roles). A list of strings
// or a single string is accepted; absent means no groups.
func groupsOf(all map[string]json.RawMessage, claim string) ([]string, error) {
	raw, ok := all[claim]
	if !ok {
		cur := all
		parts := strings.Split(claim, ".")
		for i, part := range parts {
			r, found := cur[part]
			if !found {
				return nil, nil
			}
			if i == len(parts)-1 {
				raw = r
				break
			}
			if json.Unmarshal(r, &cur) != nil {
				return nil, nil
			}
		}
	}
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	return nil, fmt.Errorf("claim %s is neither a string nor a list of strings", claim)
}
