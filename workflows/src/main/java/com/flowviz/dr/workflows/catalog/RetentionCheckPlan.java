package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;

/** The bucket whose retention is checked, the default filled in and checked before it is read. */
record RetentionCheckPlan(String bucket) {

  static RetentionCheckPlan from(RetentionCheckRequest request) {
    return new RetentionCheckPlan(
        request == null || request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket()));
  }
}
