package io.alphadecay.control.security;

import io.alphadecay.common.security.BearerSecurityConfiguration;
import io.alphadecay.common.security.StatelessBearerSecurity;
import io.alphadecay.common.security.Tokens;
import io.alphadecay.common.web.RequestSizeLimitFilter;
import io.alphadecay.control.config.AlphadecayProperties;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Two roles: {@code operator} (people: launch, cancel, override, read) and {@code service} (trainers and the
 * esd-service: claim, heartbeat, report, read). Only the health endpoints are open.
 */
@Configuration(proxyBeanMethods = false)
@Import(BearerSecurityConfiguration.class)
class SecurityConfiguration {

    private static final String OPERATOR = "OPERATOR";
    private static final String SERVICE = "SERVICE";

    @Bean
    Tokens tokens(AlphadecayProperties properties) {
        return new Tokens(properties.home(), properties.auth().operatorToken(), properties.auth().serviceToken());
    }

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(AlphadecayProperties properties) {
        return new RequestSizeLimitFilter(properties.limits().maxRequestBytes());
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, Tokens tokens) throws Exception {
        StatelessBearerSecurity.apply(http, tokens)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/runs", "/api/v1/runs/*/cancel").hasRole(OPERATOR)
                        .requestMatchers(HttpMethod.PUT, "/api/v1/runs/*/decay-overrides").hasRole(OPERATOR)
                        .requestMatchers(HttpMethod.POST, "/api/v1/runs:claim", "/api/v1/runs/*/heartbeat",
                                "/api/v1/runs/*/state", "/api/v1/runs/*/metrics", "/api/v1/runs/*/checkpoints",
                                "/api/v1/runs/*/analyses").hasRole(SERVICE)
                        .requestMatchers(HttpMethod.POST, "/api/v1/runs/*/events").hasAnyRole(OPERATOR, SERVICE)
                        .requestMatchers(HttpMethod.GET, "/**").hasAnyRole(OPERATOR, SERVICE)
                        .anyRequest().hasAnyRole(OPERATOR, SERVICE));
        return http.build();
    }
}
