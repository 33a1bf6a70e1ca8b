package dev.sandpod.sagas.execution;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExecutionDefaults.class)
class ExecutionSagaConfiguration {}
