package io.alphadecay.api.client;

/** A call to one of our services that did not succeed: {@link Unavailable} (try later) or {@link Refused} (final). */
public abstract sealed class ApiCallException extends Exception permits Unavailable, Refused {

    ApiCallException(String message) {
        super(message);
    }
}
