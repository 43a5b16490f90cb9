package io.alphadecay.esd.security;

import io.alphadecay.common.security.BearerSecurityConfiguration;
import io.alphadecay.common.security.StatelessBearerSecurity;
import io.alphadecay.common.security.Tokens;
import io.alphadecay.common.web.RequestSizeLimitFilter;
import io.alphadecay.esd.config.EsdProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Analyses take the service token; metrics either token; only health is open. */
@Configuration(proxyBeanMethods = false)
@Import(BearerSecurityConfiguration.class)
class EsdSecurityConfiguration {

    /** JSON-sized calls stay small; only the checkpoint upload may be large. */
    private static final long SMALL_BODY = 1 << 20;

    @Bean
    Tokens tokens(EsdProperties properties) {
        return new Tokens(
                properties.home(),
                properties.auth().operatorToken(),
                properties.auth().serviceToken());
    }

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(EsdProperties properties) {
        long checkpoint = properties.analysis().maxCheckpointBytes();
        return new RequestSizeLimitFilter(
                request -> "/api/v1/analyses".equals(request.getRequestURI()) ? checkpoint : SMALL_BODY);
    }

    @Bean
    SecurityFilterChain esdSecurity(HttpSecurity http, Tokens tokens) throws Exception {
        StatelessBearerSecurity.apply(http, tokens)
                .authorizeHttpRequests(
                        auth -> auth.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**")
                                .permitAll()
                                .requestMatchers("/error")
                                .permitAll()
                                .requestMatchers(HttpMethod.POST, "/api/v1/analyses")
                                .hasRole("SERVICE")
                                .anyRequest()
                                .hasAnyRole("OPERATOR", "SERVICE"));
        return http.build();
    }
}
