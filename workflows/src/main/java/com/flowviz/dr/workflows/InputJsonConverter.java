package com.flowviz.dr.workflows;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.FailureConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.common.converter.PayloadConverter;
import io.temporal.failure.DefaultFailureConverter;
import io.temporal.payload.context.SerializationContext;
import io.temporal.payload.context.WorkflowSerializationContext;
import io.temporal.worker.WorkflowImplementationOptions;
import java.lang.reflect.Type;
import java.util.stream.Collectors;

/**
 * The SDK's JSON converter, except that a workflow input whose JSON does not fit its record (a
 * string where a number belongs, an array for an object) fails the workflow at once with an {@link
 * FailureTypes#INVALID_INPUT} failure naming the field. The SDK would otherwise fail the workflow
 * task again and again, and the workflow would never end: the Temporal UI sends whatever an
 * operator typed.
 *
 * <p>Three parts, because the SDK wraps whatever a converter throws: the converter throws {@link
 * InvalidJsonInput} (only for payloads decoded in a workflow's own context, so an activity result
 * that no longer fits after a deploy still blocks the task for a fix instead of failing a running
 * procedure); {@link #FAIL_WORKFLOW_ON_INVALID_INPUT} makes that exception fail the workflow; the
 * failure converter reports it as the operator's {@code InvalidInput} failure.
 */
public final class InputJsonConverter extends JacksonJsonPayloadConverter {

  /** Registration options for every workflow implementation. */
  public static final WorkflowImplementationOptions FAIL_WORKFLOW_ON_INVALID_INPUT =
      WorkflowImplementationOptions.newBuilder()
          .setFailWorkflowExceptionTypes(InvalidJsonInput.class)
          .build();

  private final boolean workflowContext;

  public InputJsonConverter() {
    this(false);
  }

  private InputJsonConverter(boolean workflowContext) {
    this.workflowContext = workflowContext;
  }

  /** The default data converter with this JSON converter and failure reporting in place. */
  public static DataConverter dataConverter() {
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new InputJsonConverter())
        .withFailureConverter(new InvalidInputFailures());
  }

  @Override
  public PayloadConverter withContext(SerializationContext context) {
    return new InputJsonConverter(context instanceof WorkflowSerializationContext);
  }

  @Override
  public <T> T fromData(Payload content, Class<T> valueClass, Type valueType)
      throws DataConverterException {
    try {
      return super.fromData(content, valueClass, valueType);
    } catch (DataConverterException e) {
      JsonMappingException mapping = mappingCause(e);
      if (!workflowContext || mapping == null) {
        throw e;
      }
      String field =
          mapping.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      String problem = mapping.getOriginalMessage().lines().findFirst().orElse("");
      throw new InvalidJsonInput(
          (field.isEmpty()
                  ? "the input is not a JSON object of " + valueClass.getSimpleName() + " fields"
                  : "field "
                      + field
                      + " of "
                      + valueClass.getSimpleName()
                      + " has the wrong JSON type")
              + " ("
              + InputValidation.printable(problem)
              + "). Compare it with the JSON example in the README; nothing was changed.");
    }
  }

  private static JsonMappingException mappingCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonMappingException mapping) {
        return mapping;
      }
    }
    return null;
  }

  /** JSON that does not fit a workflow's input record. */
  public static final class InvalidJsonInput extends DataConverterException {
    private final String operatorMessage;

    InvalidJsonInput(String operatorMessage) {
      super(operatorMessage);
      this.operatorMessage = operatorMessage;
    }
  }

  /**
   * Reports {@link InvalidJsonInput} as the same InvalidInput failure every other bad input gets.
   */
  static final class InvalidInputFailures implements FailureConverter {
    private final DefaultFailureConverter standard = new DefaultFailureConverter();

    @Override
    public RuntimeException failureToException(Failure failure, DataConverter dataConverter) {
      return standard.failureToException(failure, dataConverter);
    }

    @Override
    public Failure exceptionToFailure(Throwable throwable, DataConverter dataConverter) {
      if (throwable instanceof InvalidJsonInput invalid) {
        return standard.exceptionToFailure(
            InputValidation.invalid(invalid.operatorMessage), dataConverter);
      }
      return standard.exceptionToFailure(throwable, dataConverter);
    }
  }
}
