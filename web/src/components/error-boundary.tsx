import { Component, type ReactNode } from 'react';
import { ProblemMessage } from './ui';

/** A rendering failure in one screen shows a message instead of a blank page; navigating away resets it. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error?: unknown; resetKey: string }> {
  constructor(props: { children: ReactNode; resetKey: string }) {
    super(props);
    this.state = { resetKey: props.resetKey };
  }
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { error?: unknown; resetKey: string }) {
    return props.resetKey !== state.resetKey ? { error: undefined, resetKey: props.resetKey } : null;
  }
  componentDidCatch(error: unknown) {
    console.error(error);
  }
  render() {
    return this.state.error ? <ProblemMessage error={this.state.error} /> : this.props.children;
  }
}
