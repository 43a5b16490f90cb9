package io.alphadecay.common.security;

import io.alphadecay.common.web.ApiExceptionHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** What every service imports with its own security rules: problem+json errors and no password users. */
@Configuration(proxyBeanMethods = false)
@Import(ApiExceptionHandler.class)
public class BearerSecurityConfiguration {

    /** Keeps Boot from creating a default user with a generated password: tokens are the only credentials. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }
}
