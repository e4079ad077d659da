"""The kinds kubemedic understands. Objects of other kinds are kept and counted, never fatal."""

KNOWN_KINDS = frozenset(
    {
        "Namespace", "Node", "Pod", "Service", "Endpoints", "EndpointSlice", "ConfigMap", "Secret",
        "ServiceAccount", "Event", "PersistentVolumeClaim", "PersistentVolume", "ResourceQuota", "LimitRange",
        "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Ingress", "IngressClass",
        "NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget", "StorageClass", "Role",
        "RoleBinding", "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "ReplicationController", "PriorityClass",
    }
)  # fmt: skip
