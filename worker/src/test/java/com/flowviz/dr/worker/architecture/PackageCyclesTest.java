package com.flowviz.dr.worker.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No package cycle among the worker's packages. Only they are imported: the modules below cannot
 * depend back on the worker, and their own cycles are the activities module's test.
 */
class PackageCyclesTest {

  @Test
  void noPackageIsInACycle() {
    slices()
        .matching("com.flowviz.dr.(**)")
        .should()
        .beFreeOfCycles()
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.flowviz.dr.worker"));
  }
}
