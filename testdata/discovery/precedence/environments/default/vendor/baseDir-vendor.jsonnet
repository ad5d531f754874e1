{ value: "baseDir-vendor" }
