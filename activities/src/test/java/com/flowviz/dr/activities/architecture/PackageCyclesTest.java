package com.flowviz.dr.activities.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import org.junit.jupiter.api.Test;

/**
 * No new package cycle among the activities module's packages and those of the workflows module it
 * builds on (a package split across the two, such as activities.crypto, counts as one).
 *
 * <p>The cycles found when this rule came in (issue 16) are frozen in src/test/resources/
 * archunit_store: each is a move to make (e.g. the archive header record between crypto and
 * postgres, the globals key naming between storage and postgres), and any other cycle fails now.
 * ArchUnit drops a frozen entry from the store once its cycle is gone.
 */
class PackageCyclesTest {

  @Test
  void noPackageIsInACycle() {
    FreezingArchRule.freeze(slices().matching("com.flowviz.dr.(**)").should().beFreeOfCycles())
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.flowviz.dr"));
  }
}
