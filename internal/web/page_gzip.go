package web

import (
	"bytes"
	"compress/gzip"
)

// gzipBest compresses a body that will be sent many times.
func gzipBest(body []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(body) //nolint:errcheck // writes to a bytes.Buffer do not fail
	zw.Close()     //nolint:errcheck // as above
	return out.Bytes()
}
