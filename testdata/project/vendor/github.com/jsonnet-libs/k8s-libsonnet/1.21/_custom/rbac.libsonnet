// RBAC helpers: bind a role object, and build a subject from a ServiceAccount object.
{
  rbac+: {
    v1+: {
      roleBinding+: {
        bindRole(role)::
          super.roleRef.withApiGroup('rbac.authorization.k8s.io')
          + super.roleRef.withKind(role.kind)
          + super.roleRef.withName(role.metadata.name),
      },
      clusterRoleBinding+: {
        bindRole(role)::
          super.roleRef.withApiGroup('rbac.authorization.k8s.io')
          + super.roleRef.withKind(role.kind)
          + super.roleRef.withName(role.metadata.name),
      },
      subject+: {
        fromServiceAccount(serviceAccount)::
          super.withKind('ServiceAccount')
          + super.withName(serviceAccount.metadata.name)
          + super.withNamespace(serviceAccount.metadata.namespace),
      },
    },
  },
}
