package io.alphadecay.common.security;

import io.alphadecay.common.web.ProblemType;
import io.alphadecay.common.web.Problems;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * The part of every service's security that is the same: stateless bearer tokens, no sessions or login forms,
 * and 401/403 as problem+json. Each service adds its own authorization rules.
 */
public final class StatelessBearerSecurity {

    private StatelessBearerSecurity() {}

    public static HttpSecurity apply(HttpSecurity http, Tokens tokens) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .cors(cors -> cors.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
                .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, ex) -> Problems.write(
                                request, response, ProblemType.UNAUTHENTICATED, "A valid bearer token is required"))
                        .accessDeniedHandler((request, response, ex) -> Problems.write(
                                request, response, ProblemType.FORBIDDEN, "This token's role may not do that")));
    }
}
