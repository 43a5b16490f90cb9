package io.alphadecay.common.security;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The bearer tokens a service accepts ({@code alphadecay.auth.*}). Empty tokens are generated once and kept under
 * {@code home/secrets}, readable by the owner only.
 */
public record AuthProperties(
        @DefaultValue("") String operatorToken,
        @DefaultValue("") String serviceToken) {

    @Override
    public String toString() {
        return "AuthProperties[tokens redacted]";
    }
}
