package io.alphadecay.esd;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class EsdServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(EsdServiceApplication.class, args);
    }
}
