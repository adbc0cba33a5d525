// rampart-goapp: tiny HTTP/2-capable server whose Go buildinfo lists module deps
// (golang.org/x/net v0.7.0, golang.org/x/text v0.7.0, gopkg.in/yaml.v2 v2.4.0).
package main

import (
	"fmt"
	"net/http"
	"os"

	"golang.org/x/net/http2"
	"gopkg.in/yaml.v2"
)

func main() {
	out, _ := yaml.Marshal(map[string]string{"app": "rampart-goapp"})
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		srv := &http.Server{Addr: "127.0.0.1:8089"}
		_ = http2.ConfigureServer(srv, &http2.Server{})
		_ = srv.ListenAndServe()
		return
	}
	fmt.Print(string(out))
}
