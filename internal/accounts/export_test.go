package accounts

// HashToken exposes the at-rest token hash to the external tests.
var HashToken = hashToken
