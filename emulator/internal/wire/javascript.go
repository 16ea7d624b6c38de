package wire

// ForJavaScript rewrites a JSON document so that JavaScript's
// JSON.stringify(JSON.parse(doc)) gives the same bytes back. The Node SDK
// verifies a delivery's signature over JSON.stringify of the parsed body,
// not over the bytes received, so the body must be what JSON.stringify
// writes. Go and JavaScript differ in one place that matters: Go escapes
// U+2028 and U+2029, JavaScript writes them raw.
func ForJavaScript(doc []byte) []byte {
	var out []byte
	start := 0
	inString := false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		switch {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(doc):
			if doc[i+1] == 'u' && i+5 < len(doc) && string(doc[i+2:i+5]) == "202" && (doc[i+5] == '8' || doc[i+5] == '9') {
				if out == nil {
					out = make([]byte, 0, len(doc))
				}
				out = append(out, doc[start:i]...)
				if doc[i+5] == '8' {
					out = append(out, "\u2028"...)
				} else {
					out = append(out, "\u2029"...)
				}
				i += 5
				start = i + 1
				continue
			}
			i++ // skip the escaped character (\" does not end the string)
		}
	}
	if out == nil {
		return doc
	}
	return append(out, doc[start:]...)
}
