package com.flowviz.dr.workflows.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.util.Collections;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Temporal Java SDK's determinism constraints, enforced on the workflow code
 * (com.flowviz.dr.workflows..) at build time. temporal-workflowcheck, the SDK's own checker, is not
 * published for SDK 1.38 on Maven Central, so these rules stand in for it: a workflow takes time,
 * sleep, randomness and concurrency only from {@code io.temporal.workflow.Workflow}, and does no
 * I/O (that is what activities are for). A replay that takes another path than the recorded one
 * fails the workflow with a non-determinism error; these rules catch the usual causes before any
 * history does.
 *
 * <p>Bytecode cannot show a {@code synchronized} block (only synchronized methods): that one stays
 * a review item.
 */
class WorkflowDeterminismTest {

  // Plain JUnit tests over the imported classes rather than ArchUnit's engine: surefire's -Dtest
  // filter runs nothing of an @ArchTest field.
  private static final JavaClasses WORKFLOW_CODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("com.flowviz.dr.workflows");

  private static final String WORKFLOWS = "com.flowviz.dr.workflows..";

  @Test
  void clockOnlyThroughWorkflow() {
    noClasses()
        .that()
        .resideInAPackage(WORKFLOWS)
        .should()
        .callMethodWhere(
            called(System.class, "currentTimeMillis", "nanoTime")
                .or(calledInPackage("java.time", "now")))
        .orShould()
        .dependOnClassesThat()
        .areAssignableTo(Clock.class)
        .because("workflow time is Workflow.currentTimeMillis(), the time of the history event")
        .check(WORKFLOW_CODE);
  }

  @Test
  void sleepAndThreadsOnlyThroughWorkflow() {
    noClasses()
        .that()
        .resideInAPackage(WORKFLOWS)
        .should()
        .dependOnClassesThat()
        .areAssignableTo(Thread.class)
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("java.util.concurrent..")
        .orShould()
        .callMethodWhere(
            called(
                Collections.class,
                "synchronizedList",
                "synchronizedMap",
                "synchronizedSet",
                "synchronizedCollection",
                "synchronizedSortedMap",
                "synchronizedSortedSet",
                "synchronizedNavigableMap",
                "synchronizedNavigableSet"))
        .orShould()
        .callMethodWhere(called(Object.class, "wait", "notify", "notifyAll"))
        .because(
            "workflow code runs on the SDK's own cooperative threads: Workflow.sleep, "
                + "Workflow.await, Async, Promise and WorkflowQueue are the replay-safe forms")
        .check(WORKFLOW_CODE);
  }

  @Test
  void noSynchronizedMethods() {
    methods()
        .that()
        .areDeclaredInClassesThat()
        .resideInAPackage(WORKFLOWS)
        .should()
        .notHaveModifier(JavaModifier.SYNCHRONIZED)
        .because("a workflow thread blocked on a monitor trips the SDK's deadlock detector")
        .check(WORKFLOW_CODE);
  }

  @Test
  void randomnessOnlyThroughWorkflow() {
    noClasses()
        .that()
        .resideInAPackage(WORKFLOWS)
        .should()
        .callConstructorWhere(ownerAssignableTo(Random.class))
        .orShould()
        .callMethodWhere(
            called(UUID.class, "randomUUID")
                .or(called(Math.class, "random"))
                .or(called(StrictMath.class, "random")))
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .because("Workflow.newRandom() and Workflow.randomUUID() are seeded from the history")
        .check(WORKFLOW_CODE);
  }

  @Test
  void noIo() {
    noClasses()
        .that()
        .resideInAPackage(WORKFLOWS)
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "do I/O (java.io, java.nio.file, java.nio.channels, java.net but URI, JDBC, "
                    + "the AWS SDK)",
                WorkflowDeterminismTest::doesIo))
        .because("I/O belongs in an activity, whose result the history records")
        .check(WORKFLOW_CODE);
  }

  private static boolean doesIo(JavaClass c) {
    String pkg = c.getPackageName();
    if (c.getName().equals("java.net.URI")) {
      return false; // a parsed value, no connection
    }
    return Set.of("java.io", "java.sql", "javax.sql", "java.net").contains(pkg)
        || pkg.startsWith("java.nio.file")
        || pkg.startsWith("java.nio.channels")
        || pkg.startsWith("java.net.")
        || pkg.startsWith("software.amazon.");
  }

  private static DescribedPredicate<JavaCall<?>> called(Class<?> owner, String... names) {
    Set<String> wanted = Set.of(names);
    return DescribedPredicate.describe(
        owner.getSimpleName() + "." + String.join("/", names),
        c -> c.getTargetOwner().isEquivalentTo(owner) && wanted.contains(c.getName()));
  }

  private static DescribedPredicate<JavaCall<?>> calledInPackage(String pkg, String name) {
    return DescribedPredicate.describe(
        pkg + ".*." + name,
        c -> c.getTargetOwner().getPackageName().equals(pkg) && c.getName().equals(name));
  }

  private static DescribedPredicate<JavaCall<?>> ownerAssignableTo(Class<?> type) {
    return DescribedPredicate.describe(
        "new " + type.getSimpleName(), c -> c.getTargetOwner().isAssignableTo(type));
  }
}
