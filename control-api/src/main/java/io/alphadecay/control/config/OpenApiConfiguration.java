package io.alphadecay.control.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI controlApiDescription() {
        return new OpenAPI()
                .info(new Info()
                        .title("alphadecay control-api")
                        .version("v1")
                        .description("Runs, metrics, checkpoints, spectral analyses and module-wise weight decay. "
                                + "Every call takes a bearer token: the operator token for people, the service "
                                + "token for trainers and the esd-service. Errors are application/problem+json."))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
