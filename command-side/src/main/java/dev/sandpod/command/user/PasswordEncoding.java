package dev.sandpod.command.user;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PasswordEncoding.BcryptProperties.class)
class PasswordEncoding {

    /** bcrypt cost: 10 or more in production; tests may lower it to keep the suite fast. */
    @ConfigurationProperties("sandpod.security.bcrypt")
    record BcryptProperties(@DefaultValue("10") int cost) {}

    @Bean
    PasswordEncoder passwordEncoder(BcryptProperties properties) {
        return new BCryptPasswordEncoder(properties.cost());
    }
}
