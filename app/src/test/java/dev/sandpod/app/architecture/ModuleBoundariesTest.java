package dev.sandpod.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency directions of docs/architecture.md: app → {command-side, query-side, sagas, projections, executor} → api. */
class ModuleBoundariesTest {

    private static final String API = "dev.sandpod.api..";
    private static final String COMMAND = "dev.sandpod.command..";
    private static final String QUERY = "dev.sandpod.query..";
    private static final String SAGAS = "dev.sandpod.sagas..";
    private static final String PROJECTIONS = "dev.sandpod.projections..";
    private static final String EXECUTOR = "dev.sandpod.executor..";
    private static final String APP = "dev.sandpod.app..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sandpod");
    }

    @Test
    void theApiDependsOnNoOtherModule() {
        noClasses()
                .that()
                .resideInAPackage(API)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(COMMAND, QUERY, SAGAS, PROJECTIONS, EXECUTOR, APP)
                .check(classes);
    }

    @Test
    void theApiStaysFreeOfSpringAndMongo() {
        noClasses()
                .that()
                .resideInAPackage(API)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "com.mongodb..", "com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void theCommandSideNeverReadsProjectionsOrTheQuerySide() {
        noClasses()
                .that()
                .resideInAPackage(COMMAND)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(QUERY, PROJECTIONS, SAGAS, EXECUTOR, APP)
                .check(classes);
    }

    @Test
    void theExecutorDependsOnTheApiOnly() {
        noClasses()
                .that()
                .resideInAPackage(EXECUTOR)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(COMMAND, QUERY, SAGAS, PROJECTIONS, APP)
                .check(classes);
    }

    @Test
    void theExecutorNeverTouchesTheEventStoreOrMongo() {
        noClasses()
                .that()
                .resideInAPackage(EXECUTOR)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.axonframework..", "com.mongodb..", "org.springframework.data.mongodb..")
                .check(classes);
    }

    @Test
    void sagasAndProjectionsDoNotDependOnEachOtherOrTheWebModules() {
        noClasses()
                .that()
                .resideInAPackage(SAGAS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(COMMAND, QUERY, PROJECTIONS, EXECUTOR, APP)
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(PROJECTIONS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(COMMAND, QUERY, SAGAS, EXECUTOR, APP)
                .check(classes);
    }

    @Test
    void theQuerySideReadsProjectionsButNeverIssuesCommandsOfTheCommandSide() {
        noClasses()
                .that()
                .resideInAPackage(QUERY)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(COMMAND, SAGAS, EXECUTOR, APP)
                .check(classes);
    }

    @Test
    void noModuleDependsOnTheApplication() {
        noClasses()
                .that()
                .resideOutsideOfPackage(APP)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(APP)
                .check(classes);
    }
}
