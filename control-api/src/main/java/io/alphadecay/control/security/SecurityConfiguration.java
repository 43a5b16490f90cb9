package io.alphadecay.control.security;

import io.alphadecay.common.security.BearerSecurityConfiguration;
import io.alphadecay.common.security.StatelessBearerSecurity;
import io.alphadecay.common.security.Tokens;
import io.alphadecay.common.web.RequestSizeLimitFilter;
import io.alphadecay.control.config.AlphadecayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Two roles: {@code operator} (people: launch, cancel, override, read) and {@code service} (trainers and the
 * esd-service: claim, heartbeat, report, read). Open without a token: the health endpoints and the dashboard's
 * static files, which hold no data (the page asks for the token and sends it with every API call).
 */
@Configuration(proxyBeanMethods = false)
@Import(BearerSecurityConfiguration.class)
class SecurityConfiguration {

    private static final String OPERATOR = "OPERATOR";
    private static final String SERVICE = "SERVICE";

    /** The dashboard's files: exactly these paths, so a new static file is closed until it is listed here. */
    static final String[] DASHBOARD_ASSETS = {
        "/", "/index.html", "/app.js", "/charts.js", "/app.css", "/webjars/uplot/**"
    };

    /**
     * Scripts only from our own origin, nothing inline. Inline styles stay allowed for one reason: the comparison
     * report opens as a blob: document, which inherits this policy, and it carries its own stylesheet.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    Tokens tokens(AlphadecayProperties properties) {
        return new Tokens(
                properties.home(),
                properties.auth().operatorToken(),
                properties.auth().serviceToken());
    }

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(AlphadecayProperties properties) {
        return new RequestSizeLimitFilter(properties.limits().maxRequestBytes());
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, Tokens tokens) throws Exception {
        StatelessBearerSecurity.apply(http, tokens)
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        new OrRequestMatcher(page("/"), page("/index.html")),
                        new StaticHeadersWriter("Content-Security-Policy", CONTENT_SECURITY_POLICY))))
                .authorizeHttpRequests(
                        auth -> auth.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**")
                                .permitAll()
                                .requestMatchers(HttpMethod.GET, DASHBOARD_ASSETS)
                                .permitAll()
                                .requestMatchers("/error")
                                .permitAll()
                                .requestMatchers(HttpMethod.POST, "/api/v1/runs", "/api/v1/runs/*/cancel")
                                .hasRole(OPERATOR)
                                .requestMatchers(HttpMethod.PUT, "/api/v1/runs/*/decay-overrides")
                                .hasRole(OPERATOR)
                                .requestMatchers(
                                        HttpMethod.POST,
                                        "/api/v1/runs:claim",
                                        "/api/v1/runs/*/heartbeat",
                                        "/api/v1/runs/*/state",
                                        "/api/v1/runs/*/metrics",
                                        "/api/v1/runs/*/checkpoints",
                                        "/api/v1/runs/*/analyses")
                                .hasRole(SERVICE)
                                .requestMatchers(HttpMethod.POST, "/api/v1/runs/*/events")
                                .hasAnyRole(OPERATOR, SERVICE)
                                .requestMatchers(HttpMethod.GET, "/**")
                                .hasAnyRole(OPERATOR, SERVICE)
                                .anyRequest()
                                .hasAnyRole(OPERATOR, SERVICE));
        return http.build();
    }

    private static RequestMatcher page(String path) {
        return PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, path);
    }
}
