package io.alphadecay.api.client;

import java.time.Duration;

/** Told before each new attempt of a call, e.g. to print what the CLI is waiting for. */
@FunctionalInterface
public interface RetryListener {

    RetryListener SILENT = (call, failed, pause, cause) -> {};

    /**
     * @param call   the method and path, without the query
     * @param failed attempts that failed so far
     */
    void retrying(String call, int failed, Duration pause, Unavailable cause);
}
