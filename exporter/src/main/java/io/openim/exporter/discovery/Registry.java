package io.openim.exporter.discovery;

/**
 * A service registry that OpenIM's gRPC clients resolve from: etcd, ZooKeeper, or the Kubernetes API
 * ({@code kubernetes.KubernetesRegistry}). It keeps a live view updated by watches and
 * re-reads everything on {@link #resync}, the safety net for missed events.
 */
public interface Registry extends AutoCloseable {
    /** The label value, and the source name: "etcd", "zookeeper", "kubernetes". */
    String name();

    /** Connects and starts watching in the background; calls {@code onChange} after each update. */
    void start(Runnable onChange);

    /** A full, authoritative re-read; returns within the registry's own timeout or throws. */
    void resync() throws Exception;

    /** The current view, without I/O. */
    RegistrySnapshot snapshot();

    @Override
    void close();
}
