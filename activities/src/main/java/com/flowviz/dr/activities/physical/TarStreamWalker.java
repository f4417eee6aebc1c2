package com.flowviz.dr.activities.physical;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A tar stream written to it, cut into what it is made of: each member's header, its data, the
 * padding to the next block, and the end-of-archive marker, whatever the sizes of the writes. What
 * to do with each is the subclass's: {@code TarMemberScanner} keeps a few members of a backup being
 * taken, {@code ParallelTarExtraction} routes members to several {@code tar -x}.
 */
public abstract class TarStreamWalker extends OutputStream {

  private final byte[] header = new byte[TarHeader.BLOCK];
  private int headerFilled;
  private long remaining;
  private long padding;
  private String lastMember;
  private boolean ended;

  /**
   * A member's header, whole.
   *
   * @param raw its 512 bytes, valid until this returns
   */
  protected abstract void member(TarHeader member, byte[] raw) throws IOException;

  /** Bytes of the current member's data; {@code last} when they are its end. */
  protected abstract void data(byte[] b, int off, int n, boolean last) throws IOException;

  /** Bytes of the padding after the current member's data. */
  protected abstract void padding(byte[] b, int off, int n) throws IOException;

  /** Whether the end-of-archive marker (a zero block) arrived after a whole member. */
  public boolean ended() {
    return ended;
  }

  /** The name of the last member seen. */
  protected String lastMember() {
    return lastMember;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0 && !ended) {
      int n;
      if (remaining > 0) {
        n = (int) Math.min(len, remaining);
        remaining -= n;
        data(b, off, n, remaining == 0);
      } else if (padding > 0) {
        n = (int) Math.min(len, padding);
        padding -= n;
        padding(b, off, n);
      } else {
        n = Math.min(len, TarHeader.BLOCK - headerFilled);
        System.arraycopy(b, off, header, headerFilled, n);
        headerFilled += n;
        if (headerFilled == TarHeader.BLOCK) {
          headerFilled = 0;
          startMember();
        }
      }
      off += n;
      len -= n;
    }
    // After the end-of-archive marker come more zero blocks; they are no member.
  }

  private void startMember() throws IOException {
    if (TarHeader.isZeroBlock(header)) {
      ended = true;
      return;
    }
    TarHeader member = TarHeader.parse(header, lastMember);
    if (!member.isExtension()) {
      lastMember = member.name();
    }
    remaining = member.size();
    padding = member.paddedSize() - member.size();
    member(member, header);
  }
}
