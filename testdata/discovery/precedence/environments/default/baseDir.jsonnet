{ value: "baseDir" }
