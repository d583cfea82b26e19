package accounts

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"sitrep"
)

// normEmail is the form emails are stored and looked up in.
func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func checkEmail(e string) error {
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, "email", "%q is not an email address like name@example.com", e)
	}
	return nil
}

func checkRole(r sitrep.Role) error {
	if !sitrep.ValidRole(r) {
		return sitrep.FieldErrorf(sitrep.EINVALID, "role", "unknown role %q; valid: admin, responder, viewer", r)
	}
	return nil
}

func checkName(n string) error {
	if utf8.RuneCountInString(n) > 100 {
		return sitrep.FieldErrorf(sitrep.EINVALID, "name", "a name may have at most 100 characters")
	}
	return nil
}

// CreateUser adds a user; only admins may.
func (s *Service) CreateUser(ctx context.Context, by *sitrep.Principal, in sitrep.UserInput) (*sitrep.User, error) {
	if err := allow(by, sitrep.ActionUsers); err != nil {
		return nil, err
	}
	u, err := s.createUser(ctx, in)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, by.Name, "user.create", "user/"+u.ID, fmt.Sprintf("%s as %s", u.Email, u.Role))
	return withoutHash(u), nil
}

func (s *Service) createUser(ctx context.Context, in sitrep.UserInput) (*sitrep.User, error) {
	in.Email = normEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	for _, err := range []error{checkEmail(in.Email), checkRole(in.Role), checkName(in.Name), s.common.check(in.Password)} {
		if err != nil {
			return nil, err
		}
	}
	u := &sitrep.User{Email: in.Email, Name: in.Name, Role: in.Role,
		PasswordHash: hashPassword(in.Password, s.argon), CreatedAt: s.clock.Now().UTC().Truncate(1e6)}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateUser changes a user; empty fields stay as they are. Admins may
// change everything; a user may change their own name and password.
// Changing a password signs the user out everywhere.
func (s *Service) UpdateUser(ctx context.Context, by *sitrep.Principal, id string, in sitrep.UserInput) (*sitrep.User, error) {
	if by == nil {
		return nil, unauthorized("sign in first")
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	self := by.Name == u.Email && in.Role == "" && in.Email == ""
	if !self {
		if err := allow(by, sitrep.ActionUsers); err != nil {
			return nil, err
		}
	}
	var changed []string
	if in.Email != "" && normEmail(in.Email) != u.Email {
		e := normEmail(in.Email)
		if err := checkEmail(e); err != nil {
			return nil, err
		}
		u.Email = e
		changed = append(changed, "email")
	}
	if n := strings.TrimSpace(in.Name); n != "" && n != u.Name {
		if err := checkName(n); err != nil {
			return nil, err
		}
		u.Name = n
		changed = append(changed, "name")
	}
	if in.Role != "" && in.Role != u.Role {
		if err := checkRole(in.Role); err != nil {
			return nil, err
		}
		if u.Role == sitrep.RoleAdmin {
			if err := s.keepAnAdmin(ctx, u.ID); err != nil {
				return nil, err
			}
		}
		changed = append(changed, fmt.Sprintf("role %s→%s", u.Role, in.Role))
		u.Role = in.Role
	}
	if in.Password != "" {
		if err := s.common.check(in.Password); err != nil {
			return nil, err
		}
		u.PasswordHash = hashPassword(in.Password, s.argon)
		changed = append(changed, "password")
	}
	if len(changed) == 0 {
		return withoutHash(u), nil
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	if in.Password != "" {
		if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	s.audit(ctx, by.Name, "user.update", "user/"+u.ID, "changed "+strings.Join(changed, ", "))
	return withoutHash(u), nil
}

// keepAnAdmin refuses to demote or disable the last enabled admin, which
// would leave nobody able to manage users (short of the CLI).
func (s *Service) keepAnAdmin(ctx context.Context, exceptID string) error {
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != exceptID && o.Role == sitrep.RoleAdmin && !o.Disabled {
			return nil
		}
	}
	return sitrep.Errorf(sitrep.ECONFLICT, "this is the last active admin; make someone else admin first")
}

// DisableUser stops a user from signing in and ends their sessions.
func (s *Service) DisableUser(ctx context.Context, by *sitrep.Principal, id string) error {
	if err := allow(by, sitrep.ActionUsers); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if u.Disabled {
		return nil
	}
	if u.Role == sitrep.RoleAdmin {
		if err := s.keepAnAdmin(ctx, u.ID); err != nil {
			return err
		}
	}
	u.Disabled = true
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
		return err
	}
	s.audit(ctx, by.Name, "user.disable", "user/"+u.ID, u.Email)
	return nil
}

// Users lists every user, oldest first.
func (s *Service) Users(ctx context.Context) ([]sitrep.User, error) {
	users, err := s.store.ListUsers(ctx)
	for i := range users {
		users[i].PasswordHash = ""
	}
	return users, err
}

// UserByEmail returns one user (ENOTFOUND); for the CLI.
func (s *Service) UserByEmail(ctx context.Context, email string) (*sitrep.User, error) {
	u, err := s.store.UserByEmail(ctx, normEmail(email))
	if err != nil {
		return nil, err
	}
	return withoutHash(u), nil
}

// withoutHash returns a copy of u fit to leave the service: nothing outside
// needs a password hash, so nothing outside can leak one into a page or a
// log.
func withoutHash(u *sitrep.User) *sitrep.User {
	c := *u
	c.PasswordHash = ""
	return &c
}
