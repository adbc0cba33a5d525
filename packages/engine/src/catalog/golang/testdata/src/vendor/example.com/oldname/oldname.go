package oldname

const Name = "newname"
