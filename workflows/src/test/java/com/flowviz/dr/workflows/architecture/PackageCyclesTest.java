package com.flowviz.dr.workflows.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** No package of the workflows module (workflow code, activity interfaces, records) in a cycle. */
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
                .importPackages("com.flowviz.dr"));
  }
}
