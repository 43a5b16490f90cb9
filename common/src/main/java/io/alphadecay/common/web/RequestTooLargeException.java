package io.alphadecay.common.web;

import java.io.IOException;

/** Raised while reading a body that outgrows the configured limit. */
public final class RequestTooLargeException extends IOException {

    public RequestTooLargeException(long limit) {
        super("The request body exceeds the limit of " + limit + " bytes");
    }
}
