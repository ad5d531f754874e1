{ value: "/lib" }
