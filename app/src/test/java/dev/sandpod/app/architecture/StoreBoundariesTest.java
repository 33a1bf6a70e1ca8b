package dev.sandpod.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two store modules. embedded-store is a library of its own: an in-process Mongo-wire server and
 * Kafka broker that know nothing of Sandpod, Axon or Spring (the application ties them to its context in
 * {@code dev.sandpod.app.embedded}). event-store is Axon's storage on MongoDB, used by the application
 * only: it needs none of the other modules, and no domain module reaches into either store.
 */
class StoreBoundariesTest {

    private static final String EMBEDDED = "dev.sandpod.embedded..";
    private static final String EVENT_STORE = "dev.sandpod.eventstore..";
    private static final String[] DOMAIN_MODULES = {
        "dev.sandpod.api..",
        "dev.sandpod.command..",
        "dev.sandpod.query..",
        "dev.sandpod.sagas..",
        "dev.sandpod.projections..",
        "dev.sandpod.executor.."
    };
    private static final String APP = "dev.sandpod.app..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sandpod");
    }

    @Test
    void theEmbeddedStoreDependsOnNoSandpodAxonOrSpringPackage() {
        noClasses()
                .that()
                .resideInAPackage(EMBEDDED)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(DOMAIN_MODULES)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(APP, EVENT_STORE, "org.axonframework..", "org.springframework..")
                .check(classes);
    }

    @Test
    void theEventStoreDependsOnNoOtherSandpodModule() {
        noClasses()
                .that()
                .resideInAPackage(EVENT_STORE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(DOMAIN_MODULES)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(APP, EMBEDDED)
                .check(classes);
    }

    @Test
    void noDomainModuleUsesTheStoresDirectly() {
        noClasses()
                .that()
                .resideInAnyPackage(DOMAIN_MODULES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(EMBEDDED, EVENT_STORE)
                .check(classes);
    }
}
