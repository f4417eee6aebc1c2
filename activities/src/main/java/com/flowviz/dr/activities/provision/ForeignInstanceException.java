package com.flowviz.dr.activities.provision;

/**
 * An instance of the requested name exists but does not carry this tool's ownership mark (the
 * docker label, the local cluster's mark file, the terraform output {@code flowviz_dr_owned}):
 * someone else made it, so it is neither reused nor torn down.
 */
public final class ForeignInstanceException extends ProvisioningException {
  public ForeignInstanceException(String name, String what) {
    super(
        "The instance \""
            + name
            + "\" ("
            + what
            + ") was not made by flowviz-dr: it carries no ownership mark, so it is neither reused"
            + " nor torn down, and nothing was changed. Choose another instance name, or remove it"
            + " by hand if it is yours.");
  }
}
