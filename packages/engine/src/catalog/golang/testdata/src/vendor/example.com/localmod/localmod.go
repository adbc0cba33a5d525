package localmod

const Answer = 42
