// Helpers shared by the read-write components.
{
  // Containers of several microservices merged into one: ports sorted by number.
  mimirReadWritePorts(portLists)::
    $.util.uniquePorts(std.flattenArrays(portLists)),
}
