// Runs the container suite in a fixed order, image.test.ts first: its first test checks that the
// base image is present locally before anything is built (pipe-image.ts also refuses to build
// without it, so no order can lead to a pull), and a failing image build shows up there first.
import Sequencer from '@jest/test-sequencer';

const FIRST = '/test/container/image.test.ts';

export default class ImageFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => (test.path.endsWith(FIRST) ? 0 : 1);
    return [...tests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  }
}
