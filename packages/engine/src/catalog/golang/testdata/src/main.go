// A tiny program whose only job is to carry Go build info for the cataloger tests.
package main

import (
	"example.com/greeting"
	"example.com/localmod"
	"example.com/oldname"
)

func main() {
	println(greeting.Hello(), oldname.Name, localmod.Answer)
}
