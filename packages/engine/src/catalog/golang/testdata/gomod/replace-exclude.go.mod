// A go.mod exercising the directive forms a package inventory must get right.
module github.com/example/service

go 1.21

toolchain go1.21.6

require github.com/sirupsen/logrus v1.9.0

require (
	github.com/gorilla/mux v1.8.0
	"github.com/spf13/cobra" v1.7.0
	golang.org/x/crypto v0.14.0 // indirect
	golang.org/x/sys v0.13.0 // indirect; pulled in by crypto
	golang.org/x/text v0.13.0 // not indirect, just a comment
	k8s.io/client-go v0.28.3
	github.com/old/thing v1.0.0
	github.com/banned/lib v0.3.0
)

exclude github.com/banned/lib v0.3.0

exclude (
	golang.org/x/text v0.3.0
)

replace (
	// version-specific: applies, since v0.14.0 is required
	golang.org/x/crypto v0.14.0 => golang.org/x/crypto v0.17.0
	// version-specific for another version: ignored
	golang.org/x/sys v0.1.0 => golang.org/x/sys v0.15.0
	github.com/old/thing => github.com/new/thing v1.2.0
	k8s.io/client-go => ../client-go
)

// Replacing a module that is not required adds nothing.
replace github.com/not/required => github.com/not/required v9.9.9

retract [v0.1.0, v0.1.5] // broken builds
