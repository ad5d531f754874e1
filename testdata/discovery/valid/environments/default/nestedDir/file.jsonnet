{ hello: "from nestedDir" }
