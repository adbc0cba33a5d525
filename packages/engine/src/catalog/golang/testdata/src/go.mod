module example.com/rampart-gofixture

go 1.19

require (
	example.com/greeting v1.2.3
	example.com/localmod v0.0.0
	example.com/oldname v0.1.0 // indirect
)

replace example.com/oldname v0.1.0 => example.com/newname v0.2.0

replace example.com/localmod => ./localmod
