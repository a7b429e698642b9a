module capwasi.test/go-tests

go 1.27
