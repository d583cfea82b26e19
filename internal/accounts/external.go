package accounts

import (
	"context"
	"fmt"
	"strings"

	"sitrep"
)

// LoginExternal signs in a person an identity provider has verified. The
// provider answers "who is this"; the policy answers "may they in, and as
// what". Every refusal is audited, since unlike a wrong password it tells
// of a real person the provider let through whom sitrep turned away.
func (s *Service) LoginExternal(ctx context.Context, id sitrep.ExternalIdentity, ip string) (sitrep.LoginResult, error) {
	p := s.ext
	if p == nil {
		return sitrep.LoginResult{}, sitrep.Errorf(sitrep.EUNAVAILABLE, "single sign-on is not configured")
	}
	how := "single sign-on"
	if id.Issuer != "" {
		how += " (" + id.Issuer + ")"
	}
	email := normEmail(id.Email)
	if email == "" || checkEmail(email) != nil {
		return sitrep.LoginResult{}, s.refuse(ctx, email, "", how, "the identity provider sent no usable email address")
	}
	if !p.DomainAllowed(email) {
		return sitrep.LoginResult{}, s.refuse(ctx, email, "", how,
			fmt.Sprintf("addresses at %s may not sign in here", email[strings.LastIndexByte(email, '@')+1:]))
	}
	role, mapped := sitrep.Role(""), p.RoleGroups != nil
	if mapped {
		var ok bool
		if role, ok = p.RoleFor(id.Groups); !ok {
			return sitrep.LoginResult{}, s.refuse(ctx, email, "", how, "none of your groups at the identity provider grants a role in sitrep")
		}
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && sitrep.ErrorCode(err) != sitrep.ENOTFOUND {
		return sitrep.LoginResult{}, err
	}
	if u == nil {
		if !p.CreateUsers {
			return sitrep.LoginResult{}, s.refuse(ctx, email, "", how,
				"there is no sitrep account for "+email+"; ask an administrator to add you")
		}
		if u, err = s.createExternal(ctx, id, email, role, how); err != nil {
			return sitrep.LoginResult{}, err
		}
	}
	if u.Disabled {
		return sitrep.LoginResult{}, s.refuse(ctx, email, u.ID, how, "the sitrep account for "+email+" is disabled")
	}
	now := s.clock.Now()
	changed, roleChange := false, ""
	if mapped && u.Role != role {
		// The provider's groups are the source of truth for roles once
		// mapped: a person moved out of a group loses the role at the next
		// sign-in, and their open sessions with it.
		roleChange = fmt.Sprintf("role %s → %s from identity provider groups", u.Role, role)
		if roleRankOf(role) > roleRankOf(u.Role) {
			if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
				return sitrep.LoginResult{}, err
			}
		}
		u.Role, changed = role, true
	}
	if !u.TOTPEnabled {
		u.LastLoginAt, changed = now, true
	}
	if changed {
		if err := s.store.UpdateUser(ctx, u); err != nil {
			return sitrep.LoginResult{}, err
		}
	}
	if roleChange != "" {
		s.audit(ctx, "oidc", "user.update", "user/"+u.ID, roleChange)
	}
	token, err := s.newSession(ctx, u.ID, u.TOTPEnabled, ip, now)
	if err != nil {
		return sitrep.LoginResult{}, err
	}
	if !u.TOTPEnabled {
		s.audit(ctx, u.Email, "user.login", "user/"+u.ID, "with "+how)
	}
	return sitrep.LoginResult{SessionToken: token, NeedTOTP: u.TOTPEnabled}, nil
}

// roleRankOf is larger for less allowed roles.
func roleRankOf(r sitrep.Role) int {
	switch r {
	case sitrep.RoleAdmin:
		return 0
	case sitrep.RoleResponder:
		return 1
	}
	return 2
}

// createExternal makes the account of a first sign-in. It has no password:
// it signs in through the provider only, until someone sets one with a
// reset link.
func (s *Service) createExternal(ctx context.Context, id sitrep.ExternalIdentity, email string, role sitrep.Role, how string) (*sitrep.User, error) {
	if role == "" {
		role = s.ext.DefaultRole
	}
	if err := checkRole(role); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(id.Name)
	if checkName(name) != nil {
		name = ""
	}
	u := &sitrep.User{Email: email, Name: name, Role: role, CreatedAt: s.clock.Now().UTC().Truncate(1e6)}
	err := s.store.CreateUser(ctx, u)
	if sitrep.ErrorCode(err) == sitrep.ECONFLICT {
		// Two first sign-ins at once: the other one made the account.
		return s.store.UserByEmail(ctx, email)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "oidc", "user.create", "user/"+u.ID, fmt.Sprintf("%s as %s at first sign-in with %s", u.Email, u.Role, how))
	return u, nil
}

// refuse audits a refused sign-in and returns the error to show.
func (s *Service) refuse(ctx context.Context, email, userID, how, reason string) error {
	actor, target := email, ""
	if actor == "" {
		actor = "anonymous"
	}
	if userID != "" {
		target = "user/" + userID
	}
	s.audit(ctx, actor, "user.login_refused", target, how+": "+reason)
	s.log.Warn("single sign-on refused", "email", email, "reason", reason)
	return sitrep.Errorf(sitrep.EFORBIDDEN, "%s", reason)
}
