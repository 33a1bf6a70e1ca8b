package dev.sandpod.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The HTTP edge has one home, the {@code web} module: the command and query sides answer commands and
 * queries and know nothing of HTTP, and only the application (which assembles everything) depends on
 * {@code web}. The sagas' webhook client is outbound HTTP and not part of this rule.
 */
class WebBoundariesTest {

    private static final String COMMAND = "dev.sandpod.command..";
    private static final String QUERY = "dev.sandpod.query..";
    private static final String WEB = "dev.sandpod.web..";
    private static final String APP = "dev.sandpod.app..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sandpod");
    }

    @Test
    void theCommandAndQuerySidesHaveNoControllers() {
        noClasses()
                .that()
                .resideInAnyPackage(COMMAND, QUERY)
                .should()
                .beAnnotatedWith(RestController.class)
                .orShould()
                .beAnnotatedWith(Controller.class)
                .orShould()
                .beAnnotatedWith(RestControllerAdvice.class)
                .orShould()
                .beAnnotatedWith(ControllerAdvice.class)
                .check(classes);
    }

    @Test
    void theCommandAndQuerySidesUseNoWebTypes() {
        noClasses()
                .that()
                .resideInAnyPackage(COMMAND, QUERY)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.web..", "org.springframework.http..")
                .check(classes);
    }

    @Test
    void onlyTheApplicationDependsOnTheWebModule() {
        noClasses()
                .that()
                .resideOutsideOfPackages(WEB, APP)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(WEB)
                .check(classes);
    }

    @Test
    void theWebModuleNeverDependsOnTheApplication() {
        noClasses()
                .that()
                .resideInAPackage(WEB)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(APP)
                .check(classes);
    }
}
