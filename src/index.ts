import { run } from './main.js'

// The action's entry point: run() reports every failure through the step itself.
void run()
