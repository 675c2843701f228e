package io.openim.exporter.logs;

import java.nio.file.Path;

/**
 * What the kubelet's path says about a pod log: {@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log}.
 * Namespace names cannot hold '_' and the uid is last, so the pod name is what lies between.
 */
record PodLogPath(String namespace, String pod, String uid, String container) {

    static PodLogPath parse(Path file) {
        Path containerDir = file.getParent();
        Path podDir = containerDir == null ? null : containerDir.getParent();
        if (podDir == null || podDir.getFileName() == null) {
            return null;
        }
        String dir = podDir.getFileName().toString();
        int first = dir.indexOf('_');
        int last = dir.lastIndexOf('_');
        if (first <= 0 || last <= first + 1 || last == dir.length() - 1) {
            return null;
        }
        return new PodLogPath(dir.substring(0, first), dir.substring(first + 1, last), dir.substring(last + 1),
                containerDir.getFileName().toString());
    }
}
