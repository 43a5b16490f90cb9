package io.alphadecay.trainer.security;

import io.alphadecay.common.security.BearerSecurityConfiguration;
import io.alphadecay.common.security.StatelessBearerSecurity;
import io.alphadecay.common.security.Tokens;
import io.alphadecay.trainer.config.TrainerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** The trainer serves only actuator endpoints: health open, metrics with either token. */
@Configuration(proxyBeanMethods = false)
@Import(BearerSecurityConfiguration.class)
class TrainerSecurityConfiguration {

    @Bean
    Tokens tokens(TrainerProperties properties) {
        return new Tokens(
                properties.home(),
                properties.auth().operatorToken(),
                properties.auth().serviceToken());
    }

    @Bean
    SecurityFilterChain trainerSecurity(HttpSecurity http, Tokens tokens) throws Exception {
        StatelessBearerSecurity.apply(http, tokens)
                .authorizeHttpRequests(
                        auth -> auth.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**")
                                .permitAll()
                                .requestMatchers("/error")
                                .permitAll()
                                .anyRequest()
                                .hasAnyRole("OPERATOR", "SERVICE"));
        return http.build();
    }
}
