{ value: "/vendor" }
